"""A party member's own pages, phone-first: their sessions (with their own attendance), the
talks they were the subject of, and their own due items. Every read goes through
tracker.access, whose SELF reach keeps other people out."""
