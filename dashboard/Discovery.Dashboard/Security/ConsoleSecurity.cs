namespace Discovery.Dashboard.Security;

/// <summary>How the console lets people in, decided once at start.</summary>
/// <param name="Enabled">
/// True when the cluster requires credentials: users log in, and every call made for them carries their own
/// credential. False when it runs without security: no login, everyone is an administrator, and the console says so.
/// </param>
/// <param name="SessionLifetime">How long a login lasts without a logout.</param>
public sealed record ConsoleSecurity(bool Enabled, TimeSpan SessionLifetime);
