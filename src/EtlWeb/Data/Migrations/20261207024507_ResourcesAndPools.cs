using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class ResourcesAndPools : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CpuLimitSeconds",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MemoryLimitMb",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Pool",
                table: "jobs",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "PoolSlots",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "Priority",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "StallTimeoutSeconds",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "CpuSystemSeconds",
                table: "attempts",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "CpuUserSeconds",
                table: "attempts",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PeakMemoryBytes",
                table: "attempts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Pool",
                table: "attempts",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "PoolSlots",
                table: "attempts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "ReadBytes",
                table: "attempts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourceSource",
                table: "attempts",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WriteBytes",
                table: "attempts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "pools",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Slots = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pools", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_attempts_Status_Pool",
                table: "attempts",
                columns: new[] { "Status", "Pool" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pools");

            migrationBuilder.DropIndex(
                name: "IX_attempts_Status_Pool",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "CpuLimitSeconds",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "MemoryLimitMb",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Pool",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "PoolSlots",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "StallTimeoutSeconds",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "CpuSystemSeconds",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "CpuUserSeconds",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "PeakMemoryBytes",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "Pool",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "PoolSlots",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "ReadBytes",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "ResourceSource",
                table: "attempts");

            migrationBuilder.DropColumn(
                name: "WriteBytes",
                table: "attempts");
        }
    }
}
