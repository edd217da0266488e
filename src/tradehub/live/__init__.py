"""Live events over one authenticated WebSocket (``/api/v1/ws``), fanned out by a hub."""
