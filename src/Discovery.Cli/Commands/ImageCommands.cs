using System.CommandLine;
using Discovery.Abstractions.Images;
using Discovery.Cli.Output;

namespace Discovery.Cli.Commands;

/// <summary><c>image import|ls|show|rm</c>.</summary>
public static class ImageCommands
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var image = new Command("image", "VM images: import a file as deduplicated chunks, list, show dedup and replicas, delete");

        var file = new Argument<FileInfo>("file") { Description = "A raw (.img/.raw), qcow2 or tar image file" };
        var name = new Option<string?>("--name") { Description = "The image's name (default: the file's name without extension)" };
        var import = new Command("import", "Import an image; only chunks the cluster lacks are sent") { file, name };
        import.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var path = parse.GetValue(file)!;
            var imageName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path.Name).ToLowerInvariant();
            var client = await cli.ClientAsync(ct);
            var lastReport = DateTimeOffset.MinValue;
            var progress = new Progress<Client.ImageImportProgress>(p =>
            {
                if (DateTimeOffset.UtcNow - lastReport < TimeSpan.FromSeconds(1))
                    return;
                lastReport = DateTimeOffset.UtcNow;
                cli.Out.Progress($"import: {p.BytesRead / (1024 * 1024)} MiB read, {p.ChunksSent} chunks sent, {p.ChunksReused} already there");
            });
            Show(cli, await client.Images.ImportFileAsync(imageName, path.FullName, cli.Tenant, progress, cancellationToken: ct));
            return 0;
        });

        var ls = new Command("ls", "List imported images with their dedup");
        ls.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var list = await (await cli.ClientAsync(ct)).Images.ListAsync(ct);
            cli.Out.Print(list, l => l.Aggregate(new Table("IMAGE", "OWNER", "STATE", "FORMAT", "SIZE MIB", "CHUNKS", "SHARED %", "AT REST", "SITES"),
                (t, i) => t.Row(i.Name, i.Owner, i.State, i.Format, Printer.Number(i.Size / 1048576.0), i.Chunks, Printer.Number(Percent(i.SharedBytes, i.UniqueBytes + i.SharedBytes)), AtRest(i), string.Join(",", i.ReplicasBySite.Keys))));
            return 0;
        });

        var shown = new Argument<string>("image") { Description = "The image's name" };
        var show = new Command("show", "An image's size, unique and shared bytes, and how many chunks each site holds") { shown };
        show.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            Show(cli, await (await cli.ClientAsync(ct)).Images.ShowAsync(parse.GetValue(shown)!, ct));
            return 0;
        });

        var removed = new Argument<string>("image") { Description = "The image's name" };
        var rm = new Command("rm", "Delete an image; chunks no other image uses leave every store") { removed };
        rm.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var target = parse.GetValue(removed)!;
            await (await cli.ClientAsync(ct)).Images.DeleteAsync(target, ct);
            cli.Out.Print(new { deleted = target }, d => new Table("DELETED").Row(d.deleted));
            return 0;
        });

        image.Subcommands.Add(import);
        image.Subcommands.Add(ls);
        image.Subcommands.Add(show);
        image.Subcommands.Add(rm);
        return image;
    }

    private static double Percent(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private static string AtRest(ImageDetails i) => i.EncryptedAtRest ? "sealed" : "plain";

    private static void Show(CliContext cli, ImageDetails i) =>
        cli.Out.Print(i, d =>
        {
            cli.Out.Say($"image {d.Name}: {d.State}, {d.Format ?? "declared"}, {d.Size} bytes in {d.Chunks} chunks, owner {d.Owner ?? "-"}, {(d.EncryptedAtRest ? "sealed at rest" : "stored plain")}");
            cli.Out.Say($"unique {d.UniqueBytes} bytes, shared with other images {d.SharedBytes} bytes ({Percent(d.SharedBytes, d.UniqueBytes + d.SharedBytes):0.0} %)");
            return d.ReplicasBySite.Aggregate(new Table("SITE", "CHUNKS HELD"), (t, s) => t.Row(s.Key, s.Value));
        });
}
