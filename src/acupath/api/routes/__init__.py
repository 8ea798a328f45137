"""The API's routes, one module per topic; ``ROUTERS`` lists them in the order /docs shows them."""
