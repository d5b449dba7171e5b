-- Version 13: a negotiation band per quote (issue 13). currency is now the lead's country's
-- (prices written per currency in data/pricebook.yaml); acv is the suggested price and
-- floor_price the walk-away price. floor_discount is the grade's cap, approval_discount the
-- discount above which a manager must approve, terms the band per year of each multi-year term
-- as JSON text ([{"years": 2, "discount": "0.05", "price": "...", "floor_price": "..."}]).
-- Quotes written before this version leave them empty.
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS floor_discount DECIMAL(9,4);
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS approval_discount DECIMAL(9,4);
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS terms VARCHAR;
