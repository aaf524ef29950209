"""The content pipeline: manifest schema → check → render (nbconvert + sanitise) → sync."""
