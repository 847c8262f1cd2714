# python -m tools.vboard run ...: the virtual board (make run BOARD=unix).
from tools.runner import main_guard
from tools.vboard import main

main_guard(main)
