namespace Discovery.Client;

/// <summary>What was asked for does not exist (a VE never created or deleted, a node never registered).</summary>
public sealed class NotFoundException(string message) : Exception(message);
