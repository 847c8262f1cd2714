# picoweb's firmware manifest (MicroPython's manifest language): freezes picoweb and, when
# tools/build.py has staged one, the app with its precompiled templates (boards/app_manifest.py).
# Paths are relative to this file. Each board's manifest (boards/<name>/manifest.py) includes
# its port's own manifest and then this one.
package("picoweb")
include("boards/app_manifest.py")
