# Firmware for this board: the port's own frozen modules, then picoweb and the app.
include("$(PORT_DIR)/boards/manifest.py")
include("../../manifest.py")
