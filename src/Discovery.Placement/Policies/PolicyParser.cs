using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Discovery.Placement.Policies;

/// <summary>A policy text that cannot be read: the message names the line, the column and what was expected.</summary>
public sealed class PolicyParseException(string message) : FormatException(message);

/// <summary>
/// Reads a policy written in YAML:
/// <code>
/// name: french-data
/// allow-sites: [paris, lyon, fr-north]   # sites or regions
/// forbid-sites: [marseille]
/// exclusive-nodes: true
/// no-colocation-with: [globex]
/// encrypted-images: true
/// isolated-images: true
/// max-rtt: { to: paris, ms: 20 }
/// </code>
/// </summary>
public static class PolicyParser
{
    private static readonly string[] Keywords = ["name", "allow-sites", "forbid-sites", "exclusive-nodes", "no-colocation-with", "encrypted-images", "isolated-images", "max-rtt"];

    /// <summary>The policy in <paramref name="text"/>; <see cref="PolicyParseException"/> at the first problem.</summary>
    public static SecurityPolicy Parse(string text)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PolicyParseException($"line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new PolicyParseException("line 1, column 1: a policy is a mapping of clauses, e.g. `allow-sites: [paris]`");
        string? name = null;
        var clauses = new List<PolicyClause>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var line = (int)keyNode.Start.Line;
            switch (key)
            {
                case "name":
                    name = Scalar(value, key);
                    break;
                case "allow-sites":
                    clauses.Add(new AllowSites(List(value, key), line));
                    break;
                case "forbid-sites":
                    clauses.Add(new ForbidSites(List(value, key), line));
                    break;
                case "no-colocation-with":
                    clauses.Add(new NoColocationWith(List(value, key), line));
                    break;
                case "exclusive-nodes":
                    if (Flag(value, key))
                        clauses.Add(new ExclusiveNodes(line));
                    break;
                case "encrypted-images":
                    if (Flag(value, key))
                        clauses.Add(new EncryptedImages(line));
                    break;
                case "isolated-images":
                    if (Flag(value, key))
                        clauses.Add(new IsolatedImages(line));
                    break;
                case "max-rtt":
                    clauses.Add(Rtt(value, line));
                    break;
                default:
                    throw Problem(keyNode, $"unknown clause '{key}'; a policy may hold {string.Join(", ", Keywords)}");
            }
        }
        return new SecurityPolicy(name ?? throw Problem(root, "a policy needs a name (`name: french-data`)"), clauses);
    }

    private static MaxRtt Rtt(YamlNode value, int line)
    {
        if (value is not YamlMappingNode map)
            throw Problem(value, "max-rtt is `{ to: SITE, ms: NUMBER }`");
        string? to = null;
        double? ms = null;
        foreach (var (k, v) in map.Children)
        {
            switch (((YamlScalarNode)k).Value)
            {
                case "to":
                    to = Scalar(v, "max-rtt.to");
                    break;
                case "ms":
                    ms = double.TryParse(Scalar(v, "max-rtt.ms"), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw Problem(v, "max-rtt.ms must be a positive number of milliseconds");
                    break;
                default:
                    throw Problem(k, $"max-rtt takes `to` and `ms`, not '{((YamlScalarNode)k).Value}'");
            }
        }
        return new MaxRtt(to ?? throw Problem(map, "max-rtt needs `to: SITE`"), ms ?? throw Problem(map, "max-rtt needs `ms: NUMBER`"), line);
    }

    private static string Scalar(YamlNode node, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Problem(node, $"{key} must be a single value");

    private static bool Flag(YamlNode node, string key) => Scalar(node, key) switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw Problem(node, $"{key} is true or false, not '{other}'"),
    };

    private static IReadOnlyList<string> List(YamlNode node, string key) => node switch
    {
        YamlSequenceNode { Children.Count: > 0 } seq => seq.Children.Select(c => Scalar(c, key)).ToList(),
        YamlScalarNode { Value: { Length: > 0 } v } => [v],
        _ => throw Problem(node, $"{key} is a non-empty list, e.g. `{key}: [paris, lyon]`"),
    };

    private static PolicyParseException Problem(YamlNode node, string what) =>
        new($"line {node.Start.Line}, column {node.Start.Column}: {what}");
}
