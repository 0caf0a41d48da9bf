"""The inventory's routes, by area: catalogue, stock, purchasing (thin: validate, call a service, answer)."""
