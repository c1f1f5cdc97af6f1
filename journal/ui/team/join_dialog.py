"""File ▸ Join a team…: the team server's address, the e-mail address and the password, checked before
anything is sent (a plain http:// address on another computer is refused, in plain words); the sign-in runs
in the background. The password goes to the server once and is kept nowhere: this laptop keeps a device
token instead, and the dialog says where before anyone types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
)

from journal import APP_NAME
from journal.ui.shell.seam import Shell
from journal.ui.widgets.inline_message import InlineMessage

if TYPE_CHECKING:
    from journal.sync.engine import Joined

EXAMPLE_ADDRESS = "https://journal.example.com"


def _secondary(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(label.foregroundRole(), palette.color(palette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


class JoinDialog(QDialog):
    joined = Signal(object)  # Joined

    def __init__(self, shell: Shell) -> None:
        from journal.sync.credentials import where_a_token_goes

        super().__init__(shell.widget)
        self.shell = shell
        self.setObjectName("joinTeamDialog")
        self.setWindowTitle(f"Join a team — {APP_NAME}")
        intro = QLabel(
            "Sign in once with the e-mail address your team's admin added. This journal then syncs with the "
            "team's in the background; it keeps working as before when there is no network."
        )
        intro.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("teamServer")
        self.address.setPlaceholderText(EXAMPLE_ADDRESS)
        self.address.setAccessibleName("Team server address")
        self.email = QLineEdit()
        self.email.setObjectName("teamEmail")
        self.email.setPlaceholderText("you@example.com")
        self.email.setAccessibleName("E-mail address")
        self.password = QLineEdit()
        self.password.setObjectName("teamPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.message = InlineMessage()
        self.message.setObjectName("joinProblem")
        self.token_note = _secondary(
            QLabel(
                "Your password is sent to the server once, to sign in, and never stored. This laptop keeps a "
                f"device token instead, {where_a_token_goes()}."
            )
        )
        self.token_note.setObjectName("tokenNote")
        self.token_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.join_button = self.buttons.addButton("&Join", QDialogButtonBox.ButtonRole.AcceptRole)
        self.join_button.setDefault(True)
        # Return joins, even after the buttons were disabled while signing in (focus passing over Cancel would
        # otherwise make it the default).
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self.try_join)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Server address:", self.address)
        form.addRow("&E-mail:", self.email)
        form.addRow("&Password:", self.password)
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addSpacing(6)
        layout.addWidget(self.token_note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self._fit()
        self.address.editingFinished.connect(self._check_address)
        self._joining = False

    def _fit(self) -> None:
        """As tall as the wrapped sentences need at the dialog's width (a message below the fields grows it)."""
        layout = self._layout
        self.resize(self.width(), max(layout.totalHeightForWidth(self.width()), layout.totalMinimumSize().height()))

    def _say(self, sentence: str) -> None:
        self.message.show_error(sentence)
        self._fit()

    def _check_address(self) -> str | None:
        """The address as it will be kept, or None (and why, under the fields)."""
        from journal.sync.client import SyncError, check_server_url

        text = self.address.text().strip()
        if not text:
            return None
        try:
            address = check_server_url(text)
        except SyncError as error:
            self._say(str(error))
            return None
        self.message.clear()
        self._fit()
        return address

    def try_join(self) -> bool:
        """Check what was typed and sign in in the background; False (and why, in the dialog) when it cannot."""
        if self._joining:
            return False
        if not self.address.text().strip():
            return self._refuse(f"Type your team server's address, such as {EXAMPLE_ADDRESS}.", self.address)
        address = self._check_address()
        if address is None:
            self.address.setFocus()
            return False
        email = self.email.text().strip()
        if "@" not in email:
            return self._refuse("Type the e-mail address your team's admin added for you.", self.email)
        if not self.password.text():
            return self._refuse("Type your password.", self.password)
        self._set_joining(True)
        self.shell.services.team.join(address, email, self.password.text(), self._done)
        return True

    def _refuse(self, sentence: str, field: QLineEdit) -> bool:
        self._say(sentence)
        field.setFocus()
        return False

    def _set_joining(self, joining: bool) -> None:
        self._joining = joining
        for widget in (self.address, self.email, self.password, self.join_button):
            widget.setEnabled(not joining)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not joining)
        self.busy.setVisible(joining)
        self.join_button.setDefault(True)
        if joining:
            self.message.clear()
        self._fit()

    def _done(self, joined: Joined | None, error: BaseException | None) -> None:
        from journal.sync.client import Offline, Refused, SyncError

        self._set_joining(False)
        if joined is not None:
            self.password.clear()
            self.joined.emit(joined)
            self.accept()
            return
        if isinstance(error, Offline):
            sentence = f"{error} Check the address and the network; nothing was changed."
        elif isinstance(error, SyncError):
            sentence = str(error)
        else:
            sentence = f"Signing in failed ({error}); nothing was changed. Try again."
        self._say(sentence)
        field = self.password if isinstance(error, Refused) else self.address
        field.setFocus()
        field.selectAll()

    def reject(self) -> None:
        if not self._joining:  # the sign-in on its way finishes first (a few seconds at most)
            super().reject()
