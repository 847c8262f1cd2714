# The virtual board's stock firmware: the unix port's standard modules (asyncio among them)
# and the board's own start-up (tools/vboard/board/), frozen as a real board's _boot.py is. No
# picoweb: the drop-in path (.mpy or .py copied to the board's lib/) is measured on it.
include("$(PORT_DIR)/variants/standard/manifest.py")
module("vboard_main.py", base_path="../../tools/vboard/board")
module("machine.py", base_path="../../tools/vboard/board")
