"""`salvage serve`: a local, read-only web page over the warehouse (Starlette, Jinja2, uvicorn)."""
