"""Running the tools: every command is printed before it runs; with dry=True only printed."""
import os
import shlex
import subprocess
import sys


class ToolError(Exception):
    pass


def venv_tool(name):
    # The command `name` of this venv (where `make setup` installs the tools), or None.
    exe = os.path.join(os.path.dirname(sys.executable), name)
    return exe if os.path.exists(exe) else None


def show(cmd):
    print("$ " + " ".join(shlex.quote(str(c)) for c in cmd), flush=True)


def run(cmd, dry=False, **kw):
    show(cmd)
    if dry:
        return None
    try:
        return subprocess.run([str(c) for c in cmd], check=True, **kw)
    except FileNotFoundError:
        raise ToolError("%s not found: run `make setup`, or install it" % cmd[0])
    except subprocess.CalledProcessError as e:
        raise ToolError("%s failed (exit %d)" % (cmd[0], e.returncode))


def main_guard(fn):
    # Runs a script's main; tool and board errors end it with one clear line.
    from picoweb.template_compiler import TemplateSyntaxError
    from tools.boards import BoardError

    try:
        fn(sys.argv[1:])
    except (BoardError, ToolError) as e:
        sys.exit("error: %s" % e)
    except TemplateSyntaxError as e:  # its file and line, alone
        sys.exit("template error: %s" % e.args[0])
