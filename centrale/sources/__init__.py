"""The read side of the sources folder: the kinds of file the contract accepts, reading
.xlsx/.csv as Belgian Excel writes them, typing and business rules, the reference
boundaries. Reads files and reports problems; never writes."""
