namespace Discovery.Cli;

/// <summary>
/// The user's saved credentials, one section per cluster id, in <c>~/.config/discovery/credentials</c>
/// (<c>$XDG_CONFIG_HOME</c> when set). Written only by its owner: the file is 0600 and its folder 0700.
/// </summary>
/// <param name="Path">The file.</param>
public sealed record CredentialStore(string Path)
{
    /// <summary>The default file of the current user.</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } config
            ? config
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "discovery", "credentials");

    /// <summary>What is saved for one cluster.</summary>
    public sealed record Entry(string Key, string? Tenant);

    /// <summary>The saved entry for <paramref name="clusterId"/>, or null.</summary>
    public Entry? Read(string clusterId) => ReadAll().GetValueOrDefault(clusterId);

    /// <summary>Saves <paramref name="entry"/> for <paramref name="clusterId"/>, keeping the other clusters' entries.</summary>
    public void Save(string clusterId, Entry entry)
    {
        var all = ReadAll();
        all[clusterId] = entry;
        Write(all);
    }

    /// <summary>Forgets the entry of <paramref name="clusterId"/>; false when there was none.</summary>
    public bool Remove(string clusterId)
    {
        var all = ReadAll();
        if (!all.Remove(clusterId))
            return false;
        Write(all);
        return true;
    }

    private Dictionary<string, Entry> ReadAll()
    {
        var all = new Dictionary<string, Entry>(StringComparer.Ordinal);
        if (!File.Exists(Path))
            return all;
        string? section = null;
        string? key = null, tenant = null;
        void Flush()
        {
            if (section is not null && key is not null)
                all[section] = new Entry(key, tenant);
        }
        foreach (var raw in File.ReadAllLines(Path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                Flush();
                (section, key, tenant) = (line[1..^1].Trim(), null, null);
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq < 0)
                throw new FormatException($"{Path}: '{line}' is neither [cluster-id] nor name = value");
            var (name, value) = (line[..eq].Trim(), line[(eq + 1)..].Trim());
            if (name == "key")
                key = value;
            else if (name == "tenant")
                tenant = value;
        }
        Flush();
        return all;
    }

    private void Write(Dictionary<string, Entry> all)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var lines = new List<string> { "# Discovery credentials, written by `discovery login`. Keep this file private (mode 0600)." };
        foreach (var (cluster, entry) in all.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            lines.Add($"[{cluster}]");
            lines.Add($"key = {entry.Key}");
            if (entry.Tenant is not null)
                lines.Add($"tenant = {entry.Tenant}");
        }
        // Written beside the file and renamed over it, created 0600 so the secret is never readable by others.
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, create))
            writer.Write(string.Join('\n', lines) + "\n");
        File.Move(temporary, Path, overwrite: true);
    }
}
