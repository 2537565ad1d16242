namespace Discovery.Silo.Hosting;

/// <summary>
/// A configuration that cannot work. The message is one line for the operator: what is wrong, and how to fix it.
/// The silo prints it and exits instead of starting.
/// </summary>
public sealed class ConfigurationProblem(string message) : Exception(message);
