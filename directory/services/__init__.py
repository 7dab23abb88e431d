"""The directory's writes, one module per concern. Views, hooks and commands call these
plain functions (keyword-only arguments, cleaned data in, model instances out):

- `registration`: référencement requests (submission, rejection, duplicates, approval,
  retention);
- `member_spaces`: an actor's group, collection and permissions, and the people in it;
- `workflow`: the editors' group and the moderation workflow;
- `trusted`: trusted actors' pages published without the editors' review;
- `personal_data`: RGPD access and erasure for one e-mail address;
- `map_properties`: the stored map properties of actor pages;
- `claims`: imported drafts claimed through a référencement request;
- `common`: the error, mail sending and admin links they share.

Import from the module that owns a function (`from directory.services.registration import
approve_registration`); this package re-exports nothing.
"""
