"""A real IMAP4rev1 server for the tests: a socket on a free local port that Python's imaplib
(and any mail program) talks to. It holds one folder per name in memory and speaks the part of
RFC 3501 a mailbox reader uses: CAPABILITY, LOGIN, SELECT/EXAMINE, STATUS, SEARCH, FETCH and
STORE (plain and UID), NOOP, CLOSE, LOGOUT. Literals are sent as IMAP sends them.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.comms.smtp import free_port


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Folder:
    uidvalidity: int = 1
    next_uid: int = 1
    messages: list[Stored] = field(default_factory=list)

    def by_uid(self, uid: int) -> tuple[int, Stored] | None:
        for seq, message in enumerate(self.messages, start=1):
            if message.uid == uid:
                return seq, message
        return None


_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|([^\s()]+)')


def _tokens(line: bytes) -> list[str]:
    out = []
    for match in _TOKEN.finditer(line):
        if match.group(1) is not None:
            out.append(re.sub(rb"\\(.)", rb"\1", match.group(1)).decode())
        else:
            out.append(match.group(0).decode())
    return out


def _uid_set(spec: str, highest: int) -> set[int]:
    """``1:5,7,9:*`` to the numbers it names (``*`` is the highest; ``n:*`` with n above it
    still names the highest, as RFC 3501 says)."""
    out: set[int] = set()
    for part in spec.split(","):
        if ":" in part:
            a, b = part.split(":", 1)
            lo = highest if a == "*" else int(a)
            hi = highest if b == "*" else int(b)
            lo, hi = min(lo, hi), max(lo, hi)
            out.update(range(lo, hi + 1))
        elif part == "*":
            out.add(highest)
        elif part:
            out.add(int(part))
    return out


class _Handler(socketserver.StreamRequestHandler):
    server: _TCPServer

    def send(self, line: bytes | str) -> None:
        if isinstance(line, str):
            line = line.encode()
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        imap: IMAPServer = self.server.imap
        imap.connections += 1
        self.send("* OK [CAPABILITY IMAP4rev1] OpenAR test IMAP server ready")
        user = None
        folder: Folder | None = None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            line = line.rstrip(b"\r\n")
            literal = re.search(rb"\{(\d+)\}$", line)
            while literal:  # a client literal: ask for it, then read the rest of the line
                self.send("+ go ahead")
                data = self.rfile.read(int(literal.group(1)))
                rest = self.rfile.readline().rstrip(b"\r\n")
                line = line[: literal.start()] + b'"' + data.replace(b'"', b'\\"') + b'"' + rest
                literal = re.search(rb"\{(\d+)\}$", line)
            parts = _tokens(line)
            if len(parts) < 2:
                self.send("* BAD no command")
                continue
            tag, command, args = parts[0], parts[1].upper(), parts[2:]
            imap.commands.append(" ".join([command, *args]) if command != "LOGIN" else "LOGIN")
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP completed")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            elif command == "LOGIN":
                if len(args) == 2 and imap.users.get(args[0]) == args[1]:
                    user = args[0]
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif user is None:
                self.send(f"{tag} BAD log in first")
            elif command in ("SELECT", "EXAMINE"):
                name = args[0] if args else ""
                folder = imap.folders.get(name.upper() if name.upper() == "INBOX" else name)
                if folder is None:
                    self.send(f"{tag} NO [NONEXISTENT] no such mailbox")
                    continue
                self.send(r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)")
                self.send(f"* {len(folder.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send(f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid")
                self.send(f"* OK [UIDNEXT {folder.next_uid}] predicted next UID")
                mode = "READ-WRITE" if command == "SELECT" else "READ-ONLY"
                self.send(f"{tag} OK [{mode}] {command} completed")
            elif command == "STATUS":
                found = imap.folders.get(args[0]) if args else None
                if found is None:
                    self.send(f"{tag} NO no such mailbox")
                    continue
                self.send(
                    f'* STATUS "{args[0]}" (MESSAGES {len(found.messages)} '
                    f"UIDNEXT {found.next_uid} UIDVALIDITY {found.uidvalidity})"
                )
                self.send(f"{tag} OK STATUS completed")
            elif folder is None:
                self.send(f"{tag} BAD select a mailbox first")
            elif command == "CLOSE":
                folder = None
                self.send(f"{tag} OK CLOSE completed")
            elif command == "UID" and args:
                self.uid_command(tag, args[0].upper(), args[1:], folder, imap)
            elif command in ("SEARCH", "FETCH", "STORE"):
                self.uid_command(tag, command, args, folder, imap, by_uid=False)
            else:
                self.send(f"{tag} BAD unknown command {command}")

    def uid_command(
        self,
        tag: str,
        command: str,
        args: list[str],
        folder: Folder,
        imap: IMAPServer,
        by_uid: bool = True,
    ) -> None:
        prefix = "UID " if by_uid else ""
        with imap.lock:
            messages = list(folder.messages)
        highest_uid = messages[-1].uid if messages else 0

        def select(spec: str) -> list[tuple[int, Stored]]:
            if by_uid:
                wanted = _uid_set(spec, highest_uid)
                return [(s, m) for s, m in enumerate(messages, start=1) if m.uid in wanted]
            wanted = _uid_set(spec, len(messages))
            return [(s, m) for s, m in enumerate(messages, start=1) if s in wanted]

        if command == "SEARCH":
            words = [a.upper() for a in args]
            if words and words[0] == "CHARSET":
                args, words = args[2:], words[2:]
            found = [(s, m) for s, m in enumerate(messages, start=1)]
            if "UID" in words:
                spec = args[words.index("UID") + 1]
                wanted = _uid_set(spec, highest_uid)
                found = [(s, m) for s, m in found if m.uid in wanted]
            if "UNSEEN" in words:
                found = [(s, m) for s, m in found if "\\Seen" not in m.flags]
            numbers = " ".join(str(m.uid if by_uid else s) for s, m in found)
            self.send(f"* SEARCH {numbers}".rstrip())
            self.send(f"{tag} OK {prefix}SEARCH completed")
        elif command == "FETCH" and len(args) >= 2:
            items = " ".join(args[1:]).upper()
            for seq, message in select(args[0]):
                if message.uid in imap.refuse_fetch:
                    self.send(f"{tag} NO message {message.uid} cannot be read now")
                    return
                fields = [f"UID {message.uid}"]
                if "FLAGS" in items:
                    fields.append(f"FLAGS ({' '.join(sorted(message.flags))})")
                if "RFC822.SIZE" in items:
                    fields.append(f"RFC822.SIZE {len(message.raw)}")
                head = f"* {seq} FETCH ({' '.join(fields)}"
                if "BODY" in items or "RFC822" in items.replace("RFC822.SIZE", ""):
                    if "PEEK" not in items:
                        message.flags.add("\\Seen")
                    self.wfile.write(f"{head} BODY[] {{{len(message.raw)}}}\r\n".encode())
                    self.wfile.write(message.raw)
                    self.send(")")
                else:
                    self.send(head + ")")
            self.send(f"{tag} OK {prefix}FETCH completed")
        elif command == "STORE" and len(args) >= 3:
            if imap.refuse_store:
                self.send(f"{tag} NO [SERVERBUG] cannot store flags now")
                return
            flags = set(" ".join(args[2:]).strip("()").split())
            for seq, message in select(args[0]):
                if args[1].upper().startswith("+FLAGS"):
                    message.flags |= flags
                elif args[1].upper().startswith("-FLAGS"):
                    message.flags -= flags
                else:
                    message.flags = set(flags)
                if ".SILENT" not in args[1].upper():
                    shown = " ".join(sorted(message.flags))
                    self.send(f"* {seq} FETCH (UID {message.uid} FLAGS ({shown}))")
            self.send(f"{tag} OK {prefix}STORE completed")
        else:
            self.send(f"{tag} BAD {prefix}{command} not understood")


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    imap: IMAPServer


class IMAPServer:
    """``start()``, ``deliver(raw)`` into a folder, read ``flags(uid)``; ``url`` for the app."""

    def __init__(self, user: str = "ar@example.com", password: str = "s3cret pass") -> None:
        self.users = {user: password}
        self.user, self.password = user, password
        self.folders: dict[str, Folder] = {"INBOX": Folder(uidvalidity=1700000001)}
        self.port = free_port()
        self.lock = threading.Lock()
        self.commands: list[str] = []
        self.connections = 0
        self.refuse_store = False
        self.refuse_fetch: set[int] = set()
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, *, password: str | None = None, folder: str = "INBOX") -> str:
        from urllib.parse import quote

        secret = quote(self.password if password is None else password, safe="")
        return f"imap://{quote(self.user, safe='')}:{secret}@127.0.0.1:{self.port}/{folder}"

    def start(self) -> None:
        self._server = _TCPServer(("127.0.0.1", self.port), _Handler)
        self._server.imap = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        with self.lock:
            box = self.folders.setdefault(folder, Folder())
            uid = box.next_uid
            box.next_uid += 1
            box.messages.append(Stored(uid, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")))
            return uid

    def flags(self, uid: int, folder: str = "INBOX") -> set[str]:
        found = self.folders[folder].by_uid(uid)
        return set(found[1].flags) if found else set()

    def renumber(self, folder: str = "INBOX") -> Any:
        """The server rebuilt its index: a new UIDVALIDITY and new UIDs for the same mail."""
        with self.lock:
            box = self.folders[folder]
            box.uidvalidity += 1
            for uid, message in enumerate(box.messages, start=1):
                message.uid = uid
            box.next_uid = len(box.messages) + 1
