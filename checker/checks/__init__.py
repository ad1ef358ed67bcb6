"""The check families (one package each) and the registry that declares them."""
