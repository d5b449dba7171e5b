"""The model's edges: training on the warehouse or a file, the registry and model files, evaluation
reports, and the daily scoring step.
"""
