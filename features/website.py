"""A company's homepage: which URL to fetch for a lead, and the HTML turned into facts (title,
meta description, language, technology hints). Pure: no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

from features.domains import normalise_domain

# (hint, category, needles found in the page's lower-cased HTML); first category wins below.
TECH_SIGNATURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("HubSpot", "marketing_automation", ("js.hs-scripts.com", "js.hsforms.net",
                                         "js.hs-analytics.net")),
    ("Marketo", "marketing_automation", ("munchkin.marketo.net", "marketo.com/js")),
    ("Pardot", "marketing_automation", ("pi.pardot.com", "pardot.com/pd.js")),
    ("Plezi", "marketing_automation", ("plezi.co/", "brain.plezi.co")),
    ("Brevo", "marketing_automation", ("sibautomation.com", "brevo.com/js")),
    ("Mailchimp", "marketing_automation", ("chimpstatic.com", "list-manage.com")),
    ("Salesforce", "crm", ("force.com/", "salesforceliveagent.com")),
    ("Pipedrive", "crm", ("pipedriveassets.com", "leadbooster-chat.pipedrive.com")),
    ("Zoho CRM", "crm", ("salesiq.zoho", "zohopublic.com")),
    ("Intercom", "chat", ("widget.intercom.io", "js.intercomcdn.com")),
    ("Drift", "chat", ("js.driftt.com",)),
    ("Crisp", "chat", ("client.crisp.chat",)),
    ("Zendesk", "chat", ("static.zdassets.com",)),
    ("Shopify", "ecommerce", ("cdn.shopify.com", "myshopify.com")),
    ("WooCommerce", "ecommerce", ("woocommerce",)),
    ("Magento", "ecommerce", ("mage/cookies", "static/version", "magento")),
    ("PrestaShop", "ecommerce", ("prestashop",)),
    ("Google Tag Manager", "analytics", ("googletagmanager.com",)),
    ("Google Analytics", "analytics", ("google-analytics.com", "gtag/js")),
    ("Matomo", "analytics", ("matomo.js", "piwik.js")),
    ("WordPress", "cms", ("wp-content/", "wp-includes/")),
    ("Wix", "cms", ("static.wixstatic.com",)),
    ("Webflow", "cms", ("webflow.js", "assets.website-files.com")),
)
# The most sales-relevant category found names the lead's web stack.
WEB_STACKS: tuple[str, ...] = ("marketing_automation", "crm", "ecommerce", "chat", "analytics",
                               "cms", "none", "unknown")
MAX_TITLE, MAX_DESCRIPTION = 200, 300

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def website_url(website: object, email_domain: object, template: str = "{url}") -> str | None:
    """The homepage URL for a lead: from the website field as given, else from a corporate
    email domain; None when there is neither.

    `template` is `{url}` (the website as given, `https://` added to a bare host) or a
    pattern with `{domain}` (the normalised domain, URL-encoded), e.g. a test server's
    ``http://127.0.0.1:8000/sites/{domain}/``. The SSRF guard judges the result.

    >>> website_url("www.acme.fr", None), website_url(None, "acme.fr")
    ('https://www.acme.fr', 'https://acme.fr/')
    >>> website_url("https://acme.fr/", None, "http://127.0.0.1:8000/sites/{domain}/")
    'http://127.0.0.1:8000/sites/acme.fr/'
    """
    site = website.strip() if isinstance(website, str) else ""
    mail = email_domain.strip() if isinstance(email_domain, str) else ""
    if "{domain}" in template:
        domain = normalise_domain(site) or normalise_domain(mail)
        return template.replace("{domain}", quote(domain, safe="")) if domain else None
    if site:
        url = site if _SCHEME.match(site) or site.startswith("//") else f"https://{site}"
        return template.replace("{url}", url if not url.startswith("//") else f"https:{url}")
    if mail:
        return template.replace("{url}", f"https://{mail}/")
    return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """The page as text: the charset of the Content-Type header, else of a <meta>, else UTF-8."""
    charset = None
    match = re.search(r"charset=([\w-]+)", content_type or "", re.IGNORECASE)
    if match:
        charset = match.group(1)
    elif meta := _CHARSET.search(body[:4096]):
        charset = meta.group(1).decode("ascii")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def parse_homepage(html: str) -> dict[str, str]:
    """Title, meta description, language and technology hints of a homepage, as facts.

    `tech_hints` lists the tools seen ("HubSpot, Shopify"); `web_stack` is the most
    sales-relevant category among them ("none" when the page shows none).
    """
    reader = _HeadReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    lowered = html.lower()
    found = [(hint, category) for hint, category, needles in TECH_SIGNATURES
             if any(needle in lowered for needle in needles)]
    categories = {category for _, category in found}
    facts = {
        "site_title": _clip(" ".join(reader.title), MAX_TITLE),
        "site_description": _clip(reader.description, MAX_DESCRIPTION),
        "site_language": reader.language,
        "tech_hints": ", ".join(sorted(hint for hint, _ in found)) or None,
        "web_stack": next((s for s in WEB_STACKS if s in categories), "none"),
    }
    return {name: value for name, value in facts.items() if value}


class _HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.description: str | None = None
        self.language: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "html" and values.get("lang") and self.language is None:
            self.language = values["lang"].split("-")[0].split("_")[0].strip().lower()[:8]
        elif tag == "title" and not self.title:
            self._in_title = True
        elif tag == "meta" and self.description is None:
            name = (values.get("name") or values.get("property") or "").lower()
            if name in ("description", "og:description") and values.get("content"):
                self.description = values["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)


def _clip(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
