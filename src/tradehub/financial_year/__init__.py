"""Financial years (1 April to 31 March) of each organization."""
