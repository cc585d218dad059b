"""What inspections gives the leader's cockpit (驾驶舱) and its map, read through inspections's own selectors as
FigureReader(region); see dudao/rectification/cockpit.py for the shape. Registered by register_cockpit(), called
from registrations.register()."""


def register_cockpit() -> None:
    pass  # area "figures-a"
