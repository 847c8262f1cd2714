# The virtual board's firmware with picoweb and the staged app frozen in: its stock
# firmware (manifest_base.py), then picoweb's manifest.
include("manifest_base.py")
include("../../manifest.py")
