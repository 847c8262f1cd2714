# The unix port (the virtual board): the variant's frozen modules (asyncio among them),
# then picoweb and the app.
include("$(PORT_DIR)/variants/manifest.py")
include("../../manifest.py")
