"""What checks shows on the 驾驶舱 (register_cockpit_section) and the map (register_map_layer); see
dudao/rectification/cockpit.py for the shape. One block per area; append inside your block."""


def register_cockpit() -> None:
    # outputs
    # registry
    # annual
    # violations
    pass
