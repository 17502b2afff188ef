"""What the posts services tell the floors above them, which they may not import.

`links_saved` is sent inside the transaction that saved the posts, so a receiver's writes (a job
queued, a row added) are kept or rolled back with the save itself. Arguments:

- `user_id`: whose posts were saved;
- `link_ids`: the links of the posts created, or moved to a new address;
- `private_link_ids`: those among them that this person saved privately;
- `interactive`: a person is waiting (their own save) rather than a batch (an import).
"""

from django.dispatch import Signal

links_saved = Signal()
