"""Pages that gather several apps (config wires everything; no app imports another's views)."""
