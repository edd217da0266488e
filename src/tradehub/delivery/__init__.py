"""Delivery orders against contracts, and the CCI terms of CCI contracts."""
