//! Use cases: one function per thing a user does (create a release, move its
//! status, link an item, …). REST handlers and server functions both call
//! these; they authorise through `domain::roles`, validate through
//! `domain::validation`, write inside one transaction (activity rows
//! included) and return view types. No HTTP and no HTML in here.
