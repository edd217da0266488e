"""Load and micro benchmarks of TradeHub (see bench/README.md); never imported by the app."""
