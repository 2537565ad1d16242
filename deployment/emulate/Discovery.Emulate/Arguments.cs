using System.Globalization;

namespace Discovery.Emulate;

/// <summary>A command line mistake: the message says what is wrong.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class Arguments(IReadOnlyDictionary<string, string> values)
{
    public static Arguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            if (!e.Current.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"unexpected argument '{e.Current}'");
            var name = e.Current[2..];
            values[name] = e.MoveNext() ? e.Current : throw new UsageException($"--{name} needs a value");
        }
        return new Arguments(values);
    }

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required");

    public double Number(string name, double fallback) =>
        Optional(name) is not { } text ? fallback
        : double.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
        : throw new UsageException($"--{name} must be a number (got '{text}')");
}
