"""Reading interval exports (pure: no Django). ``reading`` opens a file as text and refuses what
is not CSV; ``presets`` maps each format's columns onto the stored fields."""
