"""The demo district on the cockpit map: school coordinates inside a fictional county outline (area: map)."""


def load_dashboard(*, admin, county) -> None:
    """Called last by demo.services.load_demo."""
