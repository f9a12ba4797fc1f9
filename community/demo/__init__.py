"""Demo data for `manage.py seed_demo`: reference material, country outlines and the builder."""
