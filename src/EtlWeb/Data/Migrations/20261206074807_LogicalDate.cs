using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class LogicalDate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LogicalDate",
                table: "runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // The runs of before: the time they were queued is the closest known to the instant they were for.
            migrationBuilder.Sql("UPDATE runs SET \"LogicalDate\" = \"QueuedAt\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LogicalDate",
                table: "runs");
        }
    }
}
