"""What a person can do with Alex, once: the API's routes and the web's pages both call these.

Each domain has its module (``identity``, ``accounts``, ``positions``, ``instruments``,
``analyses``, ``portfolio``) of keyword-only functions taking the session and the acting user's
id. They validate, check ownership (another user's object is indistinguishable from a missing
one: ``NotFoundError``) and own the transaction: a service that writes commits before it returns,
and rolls back when it refuses. Functions below them (``alex.db``) never commit.
"""
