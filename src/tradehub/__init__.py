"""TradeHub: the back office of a commodity brokerage house."""

__version__ = "0.1.0"
