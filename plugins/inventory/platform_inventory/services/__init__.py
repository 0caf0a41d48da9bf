"""The inventory's rules, one module per concern.

- :mod:`.ledger` — stock movements, levels that never go below zero, average costs, low-stock events;
- :mod:`.purchasing` — purchase order workflow and reorder suggestions;
- :mod:`.reports` — totals, low stock and valuation, read from the levels;
- :mod:`.catalogue` — a product's starting cost, CSV import and export.

Views validate, call one of these and return; the rules live here.
"""
