"""Route proposals over a port/carrier network (networkx). Imports nothing from the chain side."""
