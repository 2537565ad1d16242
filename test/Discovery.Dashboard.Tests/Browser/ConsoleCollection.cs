using Xunit;

namespace Discovery.Dashboard.Tests.Browser;

/// <summary>
/// The browser tests run one class at a time: each class starts a whole cluster and a browser, and two of them at
/// once on a small machine make every wait longer than it needs to be.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "console";
}
