"""The frozen app's entry script: the same dispatch as ``python -m mentordesk``.

PyInstaller needs a script outside the package (running ``mentordesk/__main__.py`` itself
would put ``mentordesk/`` first on the import path).
"""

import sys

from mentordesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
