// Keeps the target non-empty until its files land.
