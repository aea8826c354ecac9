"""The archive as a desktop program: `archive app` (server, browser, background indexer) and its launchers.

- `app`      — `run_app`: waitress on a free port, the browser opened, the sources indexed by a supervised child
- `launcher` — `install_launcher`: a .desktop entry (Linux), a .command (macOS) or a .bat (Windows) that starts it
"""
