"""One window per journal: the window listens on a local socket named after its journal's path; a second
`journal` for the same file asks it to come to the front instead of opening the file twice.

QtNetwork only (no widgets), so the command line can ask too (`journal restore` refuses while the journal
is open in a window). A socket left behind by a crashed window answers nobody and is replaced.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = b"raise\n"
PING = b"ping\n"
ANSWER = b"ok\n"
TIMEOUT_MS = 1500


def server_name(journal: Path) -> str:
    """Per user and per journal file (resolved, so two spellings of one path meet)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    key = f"{user}\n{journal.resolve()}".encode()
    return f"story-journal-{hashlib.sha256(key).hexdigest()[:24]}"


def ask_running_window(journal: Path, message: bytes = RAISE) -> bool:
    """True when a window has `journal` open and answered `message` (RAISE: it comes to the front)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(journal))
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    socket.write(message)
    socket.waitForBytesWritten(TIMEOUT_MS)
    answered = socket.waitForReadyRead(TIMEOUT_MS) and bytes(socket.readAll().data()).startswith(ANSWER)
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for other `journal` processes on the open journal's name."""

    raise_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self, journal: Path) -> bool:
        """Serve `journal` (stops serving the previous one). False if another live window serves it."""
        self._server.close()
        name = server_name(journal)
        if self._server.listen(name):
            return True
        if ask_running_window(journal, PING):
            return False
        QLocalServer.removeServer(name)  # a stale socket file from a window that crashed
        return self._server.listen(name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        message = bytes(socket.readAll().data())
        socket.write(ANSWER)
        socket.flush()
        if message.startswith(RAISE):
            self.raise_requested.emit()
