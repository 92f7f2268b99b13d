"""Text → spans: token-sized chunks and sentences, each with exact offsets into the document."""
