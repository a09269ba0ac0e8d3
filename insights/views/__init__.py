"""The district's picture: the dashboard, themes across sources, participation and decision
health. Each page module adds its views here."""
