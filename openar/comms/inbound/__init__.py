"""Email in: the mailbox read over IMAP, replies threaded to their account and original message,
the simple cases classified by rules, the rest queued for a person.

- ``imap_url``: ``OPENAR_IMAP_URL`` to connection settings (pure);
- ``parsing``: a raw message to its headers, text, attachments and delivery report (pure);
- ``rules``: what a message is about: promise to pay, dispute, remittance... (pure);
- ``mailbox``: the IMAP client (fetch new messages by UID, mark them read once stored);
- ``selectors``, ``filters``, ``tables``, ``views``, ``urls``: the Inbox pages.

The writes are in ``openar.comms.services.inbound``.
"""
