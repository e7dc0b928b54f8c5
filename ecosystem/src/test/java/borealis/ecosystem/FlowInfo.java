package borealis.ecosystem;

/** A flow: its id ({@code library.flow}) and the library with its version ({@code asyncpg 0.31.0}). */
public record FlowInfo(String id, String library) {}
