# Firmware for this board: ESP8266_GENERIC's own frozen modules for 2 MiB of flash or more
# (the port's modules and asyncio, which picoweb needs: the port's base manifest alone has no
# asyncio), then picoweb and the app.
include("$(BOARD_DIR)/manifest_2MiB.py")
include("../../manifest.py")
