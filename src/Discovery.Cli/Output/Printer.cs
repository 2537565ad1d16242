using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Discovery.Cli.Output;

/// <summary>How results are printed: aligned tables for people, or JSON for scripts (<c>--output json</c>).</summary>
public sealed class Printer(TextWriter output, TextWriter error, bool json)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>True when scripts read the output.</summary>
    public bool IsJson => json;

    /// <summary>Prints <paramref name="value"/> as JSON, or the table made from it.</summary>
    public void Print<T>(T value, Func<T, Table> table)
    {
        if (json)
            output.WriteLine(JsonSerializer.Serialize(value, Json));
        else
            table(value).WriteTo(output);
    }

    /// <summary>Prints a line for people only (never in JSON mode, where stdout is the document).</summary>
    public void Say(string line)
    {
        if (!json)
            output.WriteLine(line);
    }

    /// <summary>Progress of a long operation: on stderr, so that it never mixes with a script's JSON.</summary>
    public void Progress(string line) => error.WriteLine(line);

    /// <summary>An error, on stderr.</summary>
    public void Error(string line) => error.WriteLine($"discovery: {line}");

    /// <summary>Formats a number the same way everywhere.</summary>
    public static string Number(double? value, string format = "0.0") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>A table with a header row; columns are as wide as their widest cell.</summary>
public sealed class Table(params string[] header)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row (missing cells are empty).</summary>
    public Table Row(params object?[] cells)
    {
        _rows.Add(cells.Select(c => c switch
        {
            null => "-",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => c.ToString() ?? "",
        }).ToArray());
        return this;
    }

    /// <summary>Writes the table, or a note when it has no row.</summary>
    public void WriteTo(TextWriter output, string empty = "(none)")
    {
        if (_rows.Count == 0)
        {
            output.WriteLine(empty);
            return;
        }
        var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in _rows)
            output.WriteLine(Line(row, widths));
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", widths.Select((w, i) => (i < cells.Length ? cells[i] : "").PadRight(w))).TrimEnd();
}
